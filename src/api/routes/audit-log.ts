import type { RoutePlugin } from '../type-provider';
import type { StaffService } from '../../services/staff-service';
import { errorResponses } from '../schemas/common';
import { auditEntrySchema, auditLogQuery } from '../schemas/identity';

/** `/audit-log`: who changed who may do what, and failed sign-ins (administrators). */
export const auditLogRoutes: RoutePlugin<{ staff: StaffService }> = async (app, { staff }) => {
  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['auth'],
        summary: 'The audit log of staff management, newest first (administrators)',
        description:
          'Accounts created and changed (role, groups, competences, ticket limit…), enabled and disabled, tokens issued and revoked, failed sign-ins: who, what, when and from which address. The next page: `before` = the last entry’s id.',
        querystring: auditLogQuery,
        response: { 200: { type: 'array', items: auditEntrySchema }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => staff.auditLog(request.operator!, request.query),
  );
};
