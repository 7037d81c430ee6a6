/** Supervisor tools, pure TS: QA scoring, sampling, surveys, sentiment, tide, surges, lifecycle, CSV. */
export * from './periods';
export * from './hash';
export * from './forms';
export * from './scoring';
export * from './sampling';
export * from './analysis';
export * from './surveys';
export * from './topics';
export * from './sentiment';
export * from './tide';
export * from './lifecycle';
export * from './csv';
export * from './dashboard';
export * from './api';
