import type { IntakeChannel, TicketPriority } from './enums';
import type { TicketStage } from './process';

/** A ticket as the desk shows it: what the API answers, the accept step returns and the client's notice reads. */
export interface TicketDetails {
  id: number;
  stage: TicketStage;
  channel: IntakeChannel;
  subject: string;
  description: string;
  category: string | null;
  priority: TicketPriority | null;
  queueId: number | null;
  assigneeId: string | null;
  acceptedAt: string | null;
  dueAt: string | null;
  supportLine: number;
  solvedLine: number | null;
  sla: {
    agreementId: number | null;
    responseDueAt: string | null;
    resolutionDueAt: string | null;
    breachedAt: string | null;
    pausedAt: string | null;
    overdueReason: string | null;
    overdueNote: string | null;
  };
  workNormRatio: number | null;
  checklist: string[];
  checklistDone: string[];
  quotedPrice: string | null;
  quotedNormHours: number | null;
  resolution: string | null;
  resolvedAt: string | null;
  csat: number | null;
  createdAt: string;
  client: {
    id: number;
    name: string | null;
    phone: string | null;
    email: string | null;
    category: string;
    preferredChannel: string;
  };
  service: { code: string; nameRu: string; nameEn: string; price: string; normHours: number } | null;
}
