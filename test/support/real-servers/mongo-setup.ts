import type { TestProject } from 'vitest/node';
import { startFerretDb } from './servers.js';

/** The `real-mongo` project's global setup: one FerretDB for all its test files. */
export default async function setup(project: TestProject) {
  const mongo = await startFerretDb();
  project.provide('realMongoUrl', mongo.url);
  console.log(`real server: FerretDB ${mongo.version} at ${mongo.url}`);
  return () => mongo.stop();
}
