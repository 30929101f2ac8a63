import type { RoutePlugin } from '../type-provider';
import type { AuditService } from '../../services/audit-service';
import { errorResponses } from '../schemas/common';
import { escalationsQuery, escalationsReport } from '../schemas/audit';

/** `/escalations`: the escalation audit of a period. */
export const escalationRoutes: RoutePlugin<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/escalations',
    {
      schema: {
        tags: ['figures'],
        summary: 'Breaches and escalations of a period, oldest first, paged',
        description:
          'Every SLA breach (response, resolution) and OLA breach (a line’s handover) recorded in [from, to), with ' +
          'its agreement, deadline, by how much (wall time; GET /tickets/{id}/breaches counts business time), the ' +
          'escalation levels run and who was told, the recorded overdue reason and the state now; and every ' +
          'escalation by hand. Read from the recorded events. For a ticket the caller may not see the contents of, ' +
          'no agreement and no reasons.',
        querystring: escalationsQuery,
        response: { 200: escalationsReport, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => audit.escalations(request.operator!, request.query),
  );
};
