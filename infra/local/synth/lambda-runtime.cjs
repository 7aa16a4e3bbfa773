'use strict';
/**
 * A function's own process in the local synthesized mode: what the Lambda Node.js runtime does
 * around a bundle. Init loads the handler from LAMBDA_TASK_ROOT/_HANDLER once (the cold start);
 * then one event at a time arrives over IPC and its result (or error) goes back. Plain CommonJS, no
 * dependencies, so it runs unchanged on the Lambda Node major the parent picks.
 */
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const spec = process.env._HANDLER;

async function loadHandler() {
  const dot = spec.lastIndexOf('.');
  const base = join(taskRoot, spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) throw new Error(`Cannot find module ${spec.slice(0, dot)} in ${taskRoot}`);
  const mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  const handler = mod[name] ?? mod.default?.[name];
  if (typeof handler !== 'function') throw new Error(`${spec} is not a function`);
  return handler;
}

function errorOf(error) {
  return { errorType: (error && error.name) || 'Error', errorMessage: (error && error.message) || String(error) };
}

// The parent is the local gateway: without it this process has nothing to serve.
process.on('disconnect', () => process.exit(0));

const started = Date.now();
loadHandler().then(
  (handler) => {
    process.send({ type: 'ready', initMs: Date.now() - started });
    process.on('message', async (message) => {
      if (message.type !== 'invoke') return;
      const deadline = Date.now() + message.timeoutMs;
      const context = {
        ...message.context,
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      try {
        const result = await handler(message.event, context);
        process.send({ type: 'result', id: message.id, result });
      } catch (error) {
        console.error(JSON.stringify({ level: 'ERROR', ...errorOf(error), stack: error && error.stack }));
        process.send({ type: 'error', id: message.id, error: errorOf(error) });
      }
    });
  },
  (error) => {
    console.error(JSON.stringify({ level: 'ERROR', phase: 'init', ...errorOf(error), stack: error && error.stack }));
    process.send({ type: 'init-error', error: errorOf(error) }, () => process.exit(1));
  },
);
