import type { RoutePlugin } from '../type-provider';
import type { StaffService } from '../../services/staff-service';
import { errorResponses, idParams } from '../schemas/common';
import {
  enabledBody,
  groupQueueAccessSchema,
  newStaffBody,
  operatorParams,
  queueAccessSchema,
  queueGrantsBody,
  passwordResetBody,
  passwordResetSchema,
  staffAccountSchema,
  staffChangeBody,
  staffListSchema,
} from '../schemas/identity';

/** `/staff`: accounts, roles, groups and their queue access, competences, ticket limits, enabling (administrators). */
export const staffRoutes: RoutePlugin<{ staff: StaffService }> = async (app, { staff }) => {
  const { identity } = app;

  app.get(
    '/staff',
    {
      schema: {
        tags: ['auth'],
        summary: 'Staff accounts and the groups they may be given (administrators)',
        response: { 200: staffListSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => staff.list(request.operator!),
  );

  app.post(
    '/staff',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a staff account (administrators); recorded in the audit log',
        body: newStaffBody,
        response: { 201: staffAccountSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await staff.create(request.operator!, request.body, { address: request.ip })),
  );

  app.patch(
    '/staff/:operatorId',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change an account: name, e-mail, role, line, ticket limit, competences, groups (administrators)',
        description: 'Only the fields given change; `groupIds` replaces the groups. Each change is in the audit log.',
        params: operatorParams,
        body: staffChangeBody,
        response: { 200: staffAccountSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      staff.update(request.operator!, request.params.operatorId, request.body, { address: request.ip }),
  );

  app.put(
    '/staff/:operatorId/enabled',
    {
      schema: {
        tags: ['auth'],
        summary: 'Enable or disable a staff account (administrators): disabling ends its sessions and tokens at once',
        params: operatorParams,
        body: enabledBody,
        response: {
          200: {
            type: 'object',
            properties: { operatorId: { type: 'string' }, enabled: { type: 'boolean' } },
            required: ['operatorId', 'enabled'],
          },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      identity.setEnabled(request.operator!, request.params.operatorId, request.body.enabled, {
        address: request.ip,
      }),
  );

  app.get(
    '/staff/queue-access',
    {
      schema: {
        tags: ['auth'],
        summary: "Every group's access to each queue: overview, take, act, manage (administrators)",
        description:
          'A member of staff holds on a queue the highest level of their groups; managers and administrators manage every queue.',
        response: { 200: queueAccessSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => staff.queueAccess(request.operator!),
  );

  app.put(
    '/staff/groups/:id/queue-access',
    {
      schema: {
        tags: ['auth'],
        summary: "Set a group's access to the queues (administrators); recorded in the audit log",
        description:
          'Replaces the group’s grants: a queue left out is no access. The audit entry names each queue whose level changed, from and to.',
        params: idParams,
        body: queueGrantsBody,
        response: { 200: groupQueueAccessSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      staff.setQueueAccess(request.operator!, request.params.id, request.body.grants, { address: request.ip }),
  );

  app.post(
    '/staff/:operatorId/password',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Set a staff account’s password (administrators): the one given, or with {} a generated one shown once',
        description: 'Every session of the account ends; its API tokens stay (revoke them at /auth/tokens).',
        params: operatorParams,
        body: passwordResetBody,
        response: { 200: passwordResetSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      identity.resetPassword(request.operator!, request.params.operatorId, request.body.password, {
        address: request.ip,
      }),
  );
};
