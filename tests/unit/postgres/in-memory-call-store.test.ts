import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { callStoreContract } from '../../helpers/call-store-contract.js';

callStoreContract('InMemoryCallStore', async () => new InMemoryCallStore());
