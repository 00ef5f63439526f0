// A QuickJS worker thread as a SandboxExecutor.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { SandboxExecutor, SandboxExecutorEvents } from './sandbox-pool';
import type { SandboxReply } from './sandbox-protocol';
import { quickJsMemoryLayout, type QuickJsMemoryLayout } from './quickjs-memory-layout';

// the worker entry sits beside this file: .ts under the test runner (Node strips the types), .js when built
const WORKER_FILE = path.join(__dirname, `quickjs.worker${path.extname(__filename)}`);

/** `memoryBytes`: the limit jobs will carry, so the worker sets QuickJS up before the first. */
export function spawnQuickJsWorker(events: SandboxExecutorEvents, memoryBytes: number): SandboxExecutor {
  let layout: QuickJsMemoryLayout;
  try {
    layout = quickJsMemoryLayout();
  } catch (err) {
    return { ready: Promise.reject(err as Error), post: () => undefined, kill: () => undefined };
  }
  const worker = new Worker(WORKER_FILE, {
    workerData: { ...layout, memoryBytes },
    // nothing of the host's environment, and no way to write to the host's stdio
    env: {},
    stdout: true,
    stderr: true,
    // the worker's own V8 heap (QuickJS's heap lives in its WebAssembly memory, bounded per execution)
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });
  worker.stdout.resume();
  worker.stderr.resume();
  let dead = false;
  worker.on('message', (reply: SandboxReply) => events.reply(reply));
  worker.on('error', (err) => {
    dead = true;
    events.fail('crashed', `the JavaScript sandbox failed: ${err.message}`);
  });
  worker.on('exit', () => {
    if (!dead) events.fail('crashed', 'the JavaScript sandbox stopped');
    dead = true;
  });
  worker.unref();
  return {
    ready: Promise.resolve(),
    post: (job) => worker.postMessage(job),
    kill: () => {
      dead = true;
      void worker.terminate();
    },
  };
}
