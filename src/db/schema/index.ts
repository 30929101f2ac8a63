export * from './catalog';
export * from './clients';
export * from './outbox';
export * from './queues';
export * from './sla';
export * from './staff';
export * from './tickets';
export * from './routing';
