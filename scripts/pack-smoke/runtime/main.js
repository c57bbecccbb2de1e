// Deno's and Bun's entry to the runtime smoke (see smoke.js): run it all, say what ran.
import { runSmoke } from './smoke.js';

const ran = await runSmoke({ adapters: true });
console.log(`runtime smoke passed: ${ran.join(', ')}`);
