export * from './ticket';
export * from './category-model';
