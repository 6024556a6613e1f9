export * from './error-codes';
export * from './error-table';
export * from './app-error';
