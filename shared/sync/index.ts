export * from './errors';
export * from './limits';
export * from './entities';
export * from './mutations';
export * from './rules';
export * from './protocol';
