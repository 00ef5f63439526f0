// The engine's DocumentReader and NodeFileStore, bound to one run's tenant: uploaded and stored files
// are read from the tenant's FileStore, URLs through the outbound address policy (the http-request
// nodes' fetcher), and every document is parsed in a worker (DocumentParserPool), within bounds.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '@shoal/contracts';
import { FILE_STORE, type FileStore } from '@shoal/platform';
import { fileKindOf } from '@shoal/workflow-dsl';
import {
  DEFAULT_HTTP_NODE_LIMITS,
  type DocumentReader,
  type NodeFileStore,
  type NodeFileToStore,
  type RunFile,
} from '@shoal/workflow-runtime';
import { GuardedHttpFetcher } from '../http/guarded.http-fetcher';
import { documentFormatOf } from './document-formats';
import { DEFAULT_DOCUMENT_PARSE_LIMITS, DocumentParserPool, type DocumentParseLimits } from './document-parser.pool';
import { NodeFilesRepository } from './node-files.repository';

export const DOCUMENT_LIMITS = Symbol('DOCUMENT_LIMITS');

/** The parser's bounds and the most bytes one document may have (Dify's document upload limit, 15 MB). */
export interface DocumentLimits extends DocumentParseLimits {
  maxBytes: number;
}

export const DEFAULT_DOCUMENT_LIMITS: Readonly<DocumentLimits> = { ...DEFAULT_DOCUMENT_PARSE_LIMITS, maxBytes: 15 * 1024 * 1024 };

/** Who a run's stored files belong to. */
export interface RunFileOwner {
  tenantId: string;
  workflowId: string;
  apiKeyId: string | null;
  endUser: string | null;
}

@Injectable()
export class RunFilesService {
  private readonly limits: DocumentLimits;
  private readonly parser: DocumentParserPool;

  constructor(
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(NodeFilesRepository) private readonly files: NodeFilesRepository,
    @Inject(GuardedHttpFetcher) private readonly http: GuardedHttpFetcher,
    @Inject(DOCUMENT_LIMITS) limits: Partial<DocumentLimits>,
  ) {
    this.limits = { ...DEFAULT_DOCUMENT_LIMITS, ...limits };
    this.parser = new DocumentParserPool(this.limits);
  }

  /** The run's document reader. */
  readerFor(owner: RunFileOwner): DocumentReader {
    return {
      extractText: async (file, signal) => {
        const name = typeof file.filename === 'string' && file.filename ? file.filename : 'file';
        const kind = documentFormatOf(file.extension, file.mime_type);
        if ('error' in kind) throw new Error(`${name}: ${kind.error}`);
        const bytes = await this.bytesOf(owner.tenantId, file, name, signal);
        try {
          return await this.parser.parse(kind.format, bytes, signal);
        } catch (e) {
          if (signal.aborted) throw e;
          throw new Error(`${name} (${kind.format}): ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    };
  }

  /** The run's store for files nodes receive: the tenant's files, the run's workflow's, listed and readable like uploads. */
  storeFor(owner: RunFileOwner): NodeFileStore {
    return {
      save: async (file: NodeFileToStore) => {
        const id = newId('file');
        const bytes = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
        await this.store.put(owner.tenantId, id, [bytes]);
        const extension = file.extension.replace(/^\./, '').toLowerCase();
        await this.files.create(owner.tenantId, {
          id,
          workflowId: owner.workflowId,
          apiKeyId: owner.apiKeyId,
          endUser: owner.endUser,
          name: file.filename.slice(0, 255),
          size: bytes.length,
          extension,
          mimeType: file.mimeType,
          kind: fileKindOf(extension),
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
        return { id, url: `/v1/files/${id}/content` };
      },
    };
  }

  private async bytesOf(tenantId: string, file: RunFile, name: string, signal: AbortSignal): Promise<Uint8Array> {
    const { maxBytes } = this.limits;
    const tooBig = (size: number) => new Error(`${name}: the file has ${size} bytes; a document may have at most ${maxBytes}`);
    if (file.transfer_method === 'remote_url') {
      const url = file.remote_url ?? file.url;
      if (typeof url !== 'string' || !url) throw new Error(`${name}: Missing URL for remote file`);
      const limits = { ...DEFAULT_HTTP_NODE_LIMITS, ...this.http.limits };
      let res;
      try {
        res = await this.http.fetch({
          method: 'GET',
          url,
          headers: [],
          body: null,
          timeouts: {
            connectMs: limits.maxConnectTimeout * 1000,
            readMs: limits.maxReadTimeout * 1000,
            writeMs: limits.maxWriteTimeout * 1000,
          },
          maxResponseBytes: maxBytes,
          sslVerify: limits.sslVerify,
          signal,
        });
      } catch (e) {
        if (signal.aborted) throw e;
        throw new Error(`${name}: Error downloading file: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (res.status < 200 || res.status > 299) throw new Error(`${name}: Error downloading file: its URL answered ${res.status}`);
      return res.body;
    }
    const id = file.related_id;
    if (typeof id !== 'string' || !id) throw new Error(`${name}: the file names no stored file (related_id)`);
    const size = await this.files.sizeOf(tenantId, id);
    if (size === null) throw new Error(`${name}: Error downloading file: no file ${id} in this workspace`);
    if (size > maxBytes) throw tooBig(size);
    const parts: Buffer[] = [];
    let read = 0;
    for await (const part of this.store.read(tenantId, id)) {
      read += part.length;
      if (read > maxBytes) throw tooBig(read);
      parts.push(part);
      signal.throwIfAborted();
    }
    return Buffer.concat(parts);
  }
}
