import type { RoutePlugin } from '../../type-provider';
import type { AuditService } from '../../../services/audit-service';
import { errorResponses, idParams } from '../../schemas/common';
import { ticketBreachesSchema } from '../../schemas/audit';

/** `/tickets/:id/breaches`: why the ticket's SLA targets breached. */
export const ticketBreachRoutes: RoutePlugin<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/tickets/:id/breaches',
    {
      schema: {
        tags: ['sla'],
        summary: 'Why the ticket breached: a timeline per SLA target and a one-line explanation',
        description:
          'Per target (response, resolution, each OLA handover): intervals of where the ticket was (BPMN element, ' +
          'queue, line, who held it) in wall and business time on the servicing calendar, pauses (waiting for the ' +
          'client, out of hours, holidays) as stripes, the warning, breach and escalation levels with who was told, ' +
          'transfers, reassignments and skipped offers, the share of the target’s time per element, and why it ' +
          'breached in Russian and English. Drawn from the recorded events. The timeline only to the assignee and ' +
          'managers: others get the targets with their times.',
        params: idParams,
        response: { 200: ticketBreachesSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => audit.ticketBreaches(request.operator!, request.params.id),
  );
};
