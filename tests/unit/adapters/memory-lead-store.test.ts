import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { leadStoreContract } from '../../helpers/lead-store-contract.js';

leadStoreContract('MemoryLeadStore', async () => new MemoryLeadStore());
