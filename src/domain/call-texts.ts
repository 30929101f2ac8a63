/** What a call's ticket says, in Russian and English: the caller, the line called, what the IVR sent. */
export interface ChannelTicketText {
  subject: string;
  description: string;
}

interface CallForText {
  from?: string;
  to?: string;
  answeredBy?: string;
  cause?: string;
  diagnostics: Record<string, string>;
  startedAt: string;
}

const DESCRIPTION_MAX = 20_000;

function lines(call: CallForText, first: string[]): string {
  const diagnostics = Object.entries(call.diagnostics);
  return [
    ...first,
    `Линия / Line: ${call.to ?? '—'}`,
    `Начало / Started: ${call.startedAt}`,
    ...(diagnostics.length
      ? ['', 'Данные IVR и устройства / IVR and device data:', ...diagnostics.map(([k, v]) => `${k}: ${v}`)]
      : []),
  ]
    .join('\n')
    .slice(0, DESCRIPTION_MAX);
}

export const callTicketText = (call: CallForText): ChannelTicketText => ({
  subject: `Звонок с ${call.from} / Call from ${call.from}`,
  description: lines(call, [
    `Звонок с ${call.from} / Call from ${call.from}`,
    ...(call.answeredBy ? [`Ответил / Answered by: ${call.answeredBy}`] : []),
  ]),
});

export const callBackText = (call: CallForText): ChannelTicketText => ({
  subject: `Перезвонить: пропущенный звонок с ${call.from} / Call back: missed call from ${call.from}`,
  description: lines(call, [
    `Пропущенный звонок: перезвоните клиенту / Missed call: call the client back`,
    `Причина / Cause: ${call.cause ?? '—'}`,
  ]),
});
