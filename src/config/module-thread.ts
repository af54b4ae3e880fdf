import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread running the module at `url` (a module that, on a worker, finds its work in workerData or its
 * messages). From the TypeScript sources (tests, bin/riqing.js) the thread first registers tsx; from the build in
 * dist/ (npm start) it loads the compiled module as it is.
 */
export function moduleThread(url: string, options: Omit<WorkerOptions, "eval"> = {}): Worker {
  const self = JSON.stringify(url);
  const script = url.endsWith(".ts")
    ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${self}); });`
    : `import(${self});`;
  return new Worker(script, { ...options, eval: true });
}
