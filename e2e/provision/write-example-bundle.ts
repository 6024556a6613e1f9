// Rebuilds resources/recipes/lab-sensor/firmware/lab-sensor-2.1.0.fwb: `npx tsx e2e/provision/write-example-bundle.ts`.
import { EXAMPLE_RECIPE_FOLDER, writeExampleBundle } from './example-recipe-bundle';

const path = await writeExampleBundle(EXAMPLE_RECIPE_FOLDER, '2035-12-31T00:00:00Z');
console.log(`wrote ${path}`);
