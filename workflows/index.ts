export * from './ticket';
export * from './category-model';
export * from './status-answer';
export * from './call';
export * from './client-confirmation';
export * from './figures-digest';
