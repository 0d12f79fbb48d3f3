import { sqliteEventStore } from '../adapters/event-store/sqlite.js';
import { seedPortalLog } from './read-model-rebuild.js';
const store = sqliteEventStore({ path: '/tmp/rm-200k.db', durability: 'normal' });
const t = performance.now();
console.log('seeded', await seedPortalLog(store, Number(process.env.N ?? 200000)), ((performance.now() - t) / 1000).toFixed(1), 's');
await store.close();
