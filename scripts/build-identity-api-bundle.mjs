#!/usr/bin/env node
// Builds the identity API's Lambda bundle (dist-lambda/identity-api-<hash>.zip) from the compiled
// kit (run `npm run build` first) and prints its path, key and size. `idgraph provision --stacks
// identity-api` builds it the same way before uploading it.
import { buildLambdaBundle } from '../dist/identity-api/lambda-bundle.js';

const bundle = await buildLambdaBundle();
console.log(`${bundle.path}\n${bundle.key}: index.mjs ${bundle.scriptBytes} bytes, zip ${bundle.zipBytes} bytes`);
