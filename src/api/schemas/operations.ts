/** Health answers: what each check found, and which are down. */
const check = {
  type: 'object',
  properties: { up: { type: 'boolean' }, error: { type: 'string', description: 'Why it is down: a code, no data' } },
  required: ['up'],
} as const;

export const liveSchema = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok'] } },
  required: ['status'],
} as const;

export const readinessSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: {
      type: 'object',
      description: 'database and temporal always; worker in a process that runs one',
      properties: { database: check, temporal: check, worker: check },
    },
    down: { type: 'array', items: { type: 'string', enum: ['database', 'temporal', 'worker'] } },
  },
  required: ['status', 'checks', 'down'],
} as const;
