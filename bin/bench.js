#!/usr/bin/env node
// Entry point of `npm run bench`: runs the TypeScript benchmark harness through tsx (see bench/README.md).
import { register } from "tsx/esm/api";

register();
await import("../bench/run.ts");
