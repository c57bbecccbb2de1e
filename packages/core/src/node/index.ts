/**
 * @breakwater/core/node: the Node-only parts of the core (file store, `process.env` config).
 */
export type { BreakerStore } from '../index.ts';
export { FileStore, type FileStoreOptions, fileStoreFormat } from './FileStore.ts';
export { breakerOptionsFromProcessEnv, registryFromProcessEnv } from './fromProcessEnv.ts';
export { isStoreLockedError, StoreLockedError, type StoreLockHolder } from './StoreLockedError.ts';
