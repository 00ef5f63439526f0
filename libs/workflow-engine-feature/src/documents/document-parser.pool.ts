// Parses documents (all but plain text) in worker threads: one fresh worker per document, at most `workers` at once and
// `maxQueue` waiting, each with a heap limit and a time limit past which it is terminated. Nothing a
// document does outlives its worker, and the engine's event loop never runs a parser.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { parseDocument, type DocumentFormat, type ParseJob, type ParseReply } from './document-parse.worker';

// the worker entry sits beside this file: .ts under the test runner (Node strips the types), .js when built
const WORKER_FILE = path.join(__dirname, `document-parse.worker${path.extname(__filename)}`);

export interface DocumentParseLimits {
  /** characters of one document's text */
  maxChars: number;
  /** pages of one PDF */
  maxPages: number;
  /** bytes a DOCX may unpack to */
  maxUnzippedBytes: number;
  /** wall time of one parse, the worker's start included */
  timeoutMs: number;
  /** V8 heap of one worker */
  heapMb: number;
  /** workers at once */
  workers: number;
  /** parses waiting for a worker beyond which a parse is refused at once */
  maxQueue: number;
}

export const DEFAULT_DOCUMENT_PARSE_LIMITS: Readonly<DocumentParseLimits> = {
  maxChars: 1_000_000,
  maxPages: 500,
  maxUnzippedBytes: 100 * 1024 * 1024,
  timeoutMs: 30_000,
  heapMb: 256,
  workers: 2,
  maxQueue: 100,
};

export class DocumentParserPool {
  private readonly limits: DocumentParseLimits;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;

  constructor(limits: Partial<DocumentParseLimits> = {}) {
    this.limits = { ...DEFAULT_DOCUMENT_PARSE_LIMITS, ...limits };
  }

  /** The document's text; rejects with an error whose message says what went wrong (without the file's name). */
  async parse(format: DocumentFormat, bytes: Uint8Array, signal: AbortSignal): Promise<string> {
    // plain text is only decoded (native and linear in its bounded size): not worth a worker's start
    if (format === 'text') return parseDocument({ format, bytes, ...this.limits });
    if (this.running >= this.limits.workers) {
      if (this.waiting.length >= this.limits.maxQueue)
        throw new Error(`the document parsers are busy: ${this.waiting.length} documents are already waiting`);
      // a run stopped while its document waits leaves the queue at once
      await new Promise<void>((resolve, reject) => {
        const admit = () => {
          signal.removeEventListener('abort', leave);
          resolve();
        };
        const leave = () => {
          this.waiting.splice(this.waiting.indexOf(admit), 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error('the run was stopped'));
        };
        signal.addEventListener('abort', leave, { once: true });
        this.waiting.push(admit);
      });
    }
    this.running++;
    try {
      signal.throwIfAborted();
      return await this.inWorker(format, bytes, signal);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private inWorker(format: DocumentFormat, bytes: Uint8Array, signal: AbortSignal): Promise<string> {
    const { timeoutMs, heapMb, maxChars, maxPages, maxUnzippedBytes } = this.limits;
    const worker = new Worker(WORKER_FILE, {
      // nothing of the host's environment, and nothing written to its stdio
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    return new Promise<string>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null, text?: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        void worker.terminate();
        if (err) reject(err);
        else resolve(text as string);
      };
      const timer = setTimeout(() => finish(new Error(`parsing took longer than ${timeoutMs} ms`)), timeoutMs);
      const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('the run was stopped'));
      signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (reply: ParseReply) => finish(reply.ok ? null : new Error(reply.error), reply.ok ? reply.text : undefined));
      worker.on('error', (err: Error & { code?: string }) =>
        finish(new Error(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `parsing needed more than ${heapMb} MB of memory` : err.message)),
      );
      worker.on('exit', () => finish(new Error('the document parser stopped unexpectedly')));
      // a copy the worker owns: the caller's bytes stay intact
      const copy = new Uint8Array(bytes);
      const job: ParseJob = { id: this.nextId++, format, bytes: copy, maxChars, maxPages, maxUnzippedBytes };
      worker.postMessage(job, [copy.buffer]);
    });
  }
}
