/**
 * Each figure's name and its published definition, in Russian and English (issue #14): one text
 * for the API's descriptions, the glossary page and the dashboard's tooltips. The rules that
 * compute them are ./figures (the desk's figures) and ./figure-series (by interval).
 */

export const figureNames = [
  'registered',
  'accepted',
  'resolved',
  'closed',
  'reopened',
  'backlog',
  'backlogAgeing',
  'registeredPerChannel',
  'firstResponse',
  'resolution',
  'firstResponseBusiness',
  'firstResolutionBusiness',
  'resolutionBusiness',
  'waitingForClient',
  'queueWaitBusiness',
  'perSupportLineBusiness',
  'workVsNorm',
  'slaAchievedPercent',
  'csatMean',
  'csatTop2BoxPercent',
  'surveyResponseRatePercent',
  'reopenRatePercent',
  'npsScore',
  'npsResponses',
  'csi',
  'nrrPercent',
  'fcrPercent',
  'escalations',
  'overdueByReason',
  'openAtEnd',
  'operatorMoves',
] as const;
export type FigureName = (typeof figureNames)[number];

/** Each figure's published definition. */
export const figureDefinitions: Readonly<Record<FigureName, { en: string; ru: string }>> = {
  registered: {
    en: 'Tickets registered in the period.',
    ru: 'Заявки, зарегистрированные в периоде.',
  },
  accepted: {
    en: 'Tickets whose (latest) acceptance by an operator falls in the period.',
    ru: 'Заявки, принятые в работу оператором в периоде (по последнему принятию).',
  },
  resolved: {
    en: 'Tickets whose (latest) resolution falls in the period.',
    ru: 'Заявки, решённые в периоде (по последнему решению).',
  },
  closed: {
    en: 'Tickets closed in the period.',
    ru: 'Заявки, закрытые в периоде.',
  },
  reopened: {
    en: 'Reopenings recorded in the period (a ticket reopened twice counts twice).',
    ru: 'Переоткрытия в периоде (заявка, переоткрытая дважды, считается дважды).',
  },
  backlog: {
    en: 'Tickets open now (registered, not yet resolved and not closed), whatever the period.',
    ru: 'Заявки, открытые сейчас (зарегистрированы, не решены и не закрыты), вне зависимости от периода.',
  },
  backlogAgeing: {
    en: 'The backlog by age since registration: under 1 day, 1–3 days, 3–7 days, over 7 days (lower bound inclusive).',
    ru: 'Открытые заявки по возрасту с регистрации: до 1 дня, 1–3 дня, 3–7 дней, более 7 дней (нижняя граница включительно).',
  },
  registeredPerChannel: {
    en: 'Tickets registered in the period, per intake channel.',
    ru: 'Заявки, зарегистрированные в периоде, по каналам связи.',
  },
  firstResponse: {
    en: 'Wall time from registration to acceptance, over tickets accepted in the period: median and 90th percentile (linear interpolation), ms.',
    ru: 'Календарное время от регистрации до принятия в работу по заявкам, принятым в периоде: медиана и 90-й процентиль (линейная интерполяция), мс.',
  },
  resolution: {
    en: 'Wall time from registration to resolution, over tickets resolved in the period: median and 90th percentile (linear interpolation), ms.',
    ru: 'Календарное время от регистрации до решения по заявкам, решённым в периоде: медиана и 90-й процентиль (линейная интерполяция), мс.',
  },
  firstResponseBusiness: {
    en: 'Business time from registration to acceptance on the servicing team’s calendar (its queue’s group’s, else the desk’s default: working hours, holidays and moved days off), over tickets accepted in the period: median and 90th percentile, ms.',
    ru: 'Рабочее время от регистрации до принятия в работу по календарю обслуживающей группы (группы очереди заявки, иначе календарь деска по умолчанию: рабочие часы, праздники и переносы), по заявкам, принятым в периоде: медиана и 90-й процентиль, мс.',
  },
  firstResolutionBusiness: {
    en: 'Business time on the servicing team’s calendar from registration to the first resolution, time waiting for the client not counted, over tickets resolved in the period: median and 90th percentile, ms.',
    ru: 'Рабочее время по календарю обслуживающей группы от регистрации до первого решения без времени ожидания клиента, по заявкам, решённым в периоде: медиана и 90-й процентиль, мс.',
  },
  resolutionBusiness: {
    en: 'Full resolution: business time on the servicing team’s calendar from registration to the latest resolution, not counting time waiting for the client nor the time between a resolution and its reopening (as the resolution clock counts), over tickets resolved in the period: median and 90th percentile, ms.',
    ru: 'Полное решение: рабочее время по календарю обслуживающей группы от регистрации до последнего решения без времени ожидания клиента и времени между решением и переоткрытием (как считают часы SLA решения), по заявкам, решённым в периоде: медиана и 90-й процентиль, мс.',
  },
  waitingForClient: {
    en: 'Wall time waiting for the client (from wait-for-client to its resume or the resolution), over the tickets resolved in the period that waited: median and 90th percentile, ms; totalMs over them all. It is what the business-time resolution leaves out.',
    ru: 'Календарное время ожидания клиента (от «ждём клиента» до возобновления или решения) по решённым в периоде заявкам, которые ждали клиента: медиана и 90-й процентиль, мс; totalMs — сумма по ним. Именно это время не входит в рабочее время решения.',
  },
  queueWaitBusiness: {
    en: 'Business time on the servicing team’s calendar a ticket spent in a queue not accepted by anyone (after queuing, a return to the queue, a transfer or an escalation that moved it), up to its latest resolution, over tickets resolved in the period: median and 90th percentile, ms.',
    ru: 'Рабочее время по календарю обслуживающей группы, которое заявка провела в очереди непринятой (после постановки в очередь, возврата, передачи или эскалации с переводом), до последнего решения, по заявкам, решённым в периоде: медиана и 90-й процентиль, мс.',
  },
  perSupportLineBusiness: {
    en: 'Per support line: the business time (as resolutionBusiness counts it) the tickets resolved in the period spent on that line, over those that were on it: tickets, median and 90th percentile, ms.',
    ru: 'По линиям поддержки: рабочее время (как в resolutionBusiness), проведённое решёнными в периоде заявками на линии, по заявкам, побывавшим на ней: число заявок, медиана и 90-й процентиль, мс.',
  },
  workVsNorm: {
    en: 'Actual work against the catalog norm over the tickets resolved in the period that had a norm quoted: minutes of work entered, norm minutes (the service’s norm hours quoted at acceptance) and their ratio actual/norm to two decimals (over 1: more work than the norm). Null ratio when none had a norm.',
    ru: 'Фактические трудозатраты против нормы каталога по решённым в периоде заявкам с нормой: минуты по записям о работе, минуты нормы (нормо-часы услуги при принятии) и их отношение факт/норма с точностью до сотых (больше 1 — работы больше нормы). Null, если нормы не было ни у одной.',
  },
  slaAchievedPercent: {
    en: 'Of the tickets resolved in the period that had a resolution deadline, the share resolved by it, %. Null when none had one.',
    ru: 'Доля заявок, решённых в срок, среди решённых в периоде и имеющих срок решения, %. Null, если таких нет.',
  },
  csatMean: {
    en: 'Mean survey score (1–5) of the tickets resolved in the period that were answered. Null when none was.',
    ru: 'Средняя оценка опроса (1–5) по решённым в периоде заявкам с ответом. Null, если ответов нет.',
  },
  csatTop2BoxPercent: {
    en: 'Share of those answers scoring 4 or 5, %. Null when none was answered.',
    ru: 'Доля ответов с оценкой 4 или 5, %. Null, если ответов нет.',
  },
  surveyResponseRatePercent: {
    en: 'Of the tickets resolved in the period, the share whose survey was answered, %. Null when none was resolved.',
    ru: 'Доля заявок с ответом на опрос среди решённых в периоде, %. Null, если решённых нет.',
  },
  reopenRatePercent: {
    en: 'Of the tickets resolved in the period, the share ever reopened, %. Null when none was resolved.',
    ru: 'Доля когда-либо переоткрытых заявок среди решённых в периоде, %. Null, если решённых нет.',
  },
  npsScore: {
    en: 'Net Promoter Score of the tickets resolved in the period whose client answered the optional 0–10 "would you recommend us?": the share of promoters (9–10) minus the share of detractors (0–6), in points from −100 to 100, to one decimal. Null when none answered.',
    ru: 'Индекс NPS по решённым в периоде заявкам, клиент которых ответил на необязательный вопрос «Порекомендуете ли вы нас?» (0–10): доля промоутеров (9–10) минус доля критиков (0–6), в пунктах от −100 до 100, с точностью до десятой. Null, если ответов нет.',
  },
  npsResponses: {
    en: 'How many of the tickets resolved in the period have an answer to the 0–10 question (the NPS is over these).',
    ru: 'Число решённых в периоде заявок с ответом на вопрос 0–10 (по ним считается NPS).',
  },
  csi: {
    en: 'Customer Satisfaction Index: the survey scores (1–5) of the tickets resolved in the period that were answered, each put on 0–100 as (score − 1) / 4 × 100, averaged, to one decimal (1 → 0, 3 → 50, 5 → 100). Null when none was answered.',
    ru: 'Индекс удовлетворённости клиентов (CSI): оценки опроса (1–5) по решённым в периоде заявкам с ответом, каждая переведена в шкалу 0–100 как (оценка − 1) / 4 × 100, среднее с точностью до десятой (1 → 0, 3 → 50, 5 → 100). Null, если ответов нет.',
  },
  nrrPercent: {
    en: 'Negative response rate (NRR): of the survey answers of the tickets resolved in the period, the share scoring 1 or 2 (the scores the desk treats as a complaint), %. Null when none was answered.',
    ru: 'Доля негативных ответов (NRR): доля оценок 1 и 2 (их деск считает жалобой) среди ответов на опрос по решённым в периоде заявкам, %. Null, если ответов нет.',
  },
  fcrPercent: {
    en: 'First-contact resolution (HDI: resolved at the first contact, with no escalation, transfer or callback), as the desk can record it: of the tickets resolved in the period, the share resolved on the first support line with no escalation, reassignment, return to the queue or transfer ever on record, and never reopened, %. Per channel with groupBy=channel. Null when none was resolved.',
    ru: 'Решение с первого обращения (по HDI: решено при первом обращении, без эскалации, передачи и повторного контакта) в том виде, в каком его фиксирует деск: доля заявок, решённых на первой линии без эскалаций, переназначений, возвратов в очередь и передач и ни разу не переоткрытых, среди решённых в периоде, %. По каналам — groupBy=channel. Null, если решённых нет.',
  },
  escalations: {
    en: 'Escalations recorded in the period, per level (1–3 by the SLA clock; manual: escalated by hand), whatever the target.',
    ru: 'Эскалации в периоде по уровням (1–3 — по часам SLA; manual — вручную), по всем целевым срокам.',
  },
  overdueByReason: {
    en: 'Tickets resolved in the period after their resolution deadline, per recorded overdue reason (null: none recorded), with each reason’s share of them, %.',
    ru: 'Заявки, решённые в периоде позже срока решения, по указанной причине просрочки (null — причина не указана), с долей каждой причины, %.',
  },
  operatorMoves: {
    en: 'With groupBy=operator, per operator, what was recorded in the period: offers they skipped (with each reason given), their tickets reassigned to someone else, returned to the queue and transferred to another queue (the operator holding the ticket then; a transfer of a ticket nobody held counts for whoever made it). Filters narrow it by the ticket’s queue, category etc. now.',
    ru: 'При groupBy=operator по каждому оператору — что записано в периоде: пропущенные им предложения (с каждой указанной причиной), его заявки, переназначенные другому, возвращённые в очередь и переданные в другую очередь (оператор, державший заявку; передачу никем не принятой заявки — тому, кто её передал). Фильтры сужают по текущей очереди, категории и т. д. заявки.',
  },
  openAtEnd: {
    en: 'In a series: tickets open at the end of the interval, i.e. registered before it and not resolved (by the latest resolution) nor, if never resolved, closed before it.',
    ru: 'В ряду: заявки, открытые на конец интервала — зарегистрированные до него и не решённые (по последнему решению), а если не решались — не закрытые до него.',
  },
};
