import { sqliteEventStore } from '../adapters/event-store/sqlite.js';
import { rebuildFigure } from './read-model-rebuild.js';
const store = sqliteEventStore({ path: '/tmp/rm-200k.db', durability: 'normal' });
console.log(await rebuildFigure(store, 200028));
await store.close();
