// An undici connector that resolves the host itself, judges the resolved address by the policy and
// connects to exactly that address (the TLS name stays the host's): what was checked is what is
// connected, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { OutboundAddressPolicy, unbracket } from './address-policy';
import { OutboundAddressRefusedError, OutboundHttpError } from './outbound-http.errors';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to its addresses (the system resolver by default; tests inject their own). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = (host) => lookup(host, { all: true, verbatim: true });

const RESOLVE_TIMEOUT_MS = 10_000;

/** The address to connect to for `host`: the first answer the policy allows, or a refusal naming the first refused. */
export async function pickAddress(host: string, policy: OutboundAddressPolicy, resolve: HostResolver): Promise<string> {
  const bare = unbracket(host);
  if (isIP(bare) !== 0) {
    const verdict = policy.check(bare);
    if (!verdict.allowed) throw new OutboundAddressRefusedError(bare, bare, verdict.refusedAs ?? 'reserved');
    return bare;
  }
  let answers: ResolvedAddress[];
  let timer: NodeJS.Timeout | undefined;
  try {
    answers = await Promise.race([
      resolve(bare),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${RESOLVE_TIMEOUT_MS} ms`)), RESOLVE_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    throw new OutboundHttpError('dns_failed', `Could not resolve ${bare}: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!answers.length) throw new OutboundHttpError('dns_failed', `Could not resolve ${bare}: no addresses`);
  // a host the allowlist names may resolve inside, but never to a metadata address (only listing that address opens it)
  const byName = policy.allowsHost(bare);
  let refused: OutboundAddressRefusedError | null = null;
  for (const { address } of answers) {
    const verdict = policy.check(address);
    if (verdict.allowed || (byName && verdict.refusedAs !== 'cloud metadata')) return address;
    refused ??= new OutboundAddressRefusedError(bare, address, verdict.refusedAs ?? 'reserved');
  }
  throw refused as OutboundAddressRefusedError;
}

export interface GuardedConnectorOptions {
  policy: OutboundAddressPolicy;
  resolve: HostResolver;
  connectTimeoutMs: number;
  rejectUnauthorized: boolean;
}

export function guardedConnector(o: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ timeout: o.connectTimeoutMs, rejectUnauthorized: o.rejectUnauthorized });
  return (opts, callback) => {
    const host = unbracket(opts.hostname);
    pickAddress(host, o.policy, o.resolve).then(
      (address) =>
        // the name a certificate is checked against, and SNI, stay the host's (not for a literal address)
        connect({ ...opts, hostname: address, servername: opts.servername || (isIP(host) === 0 ? host : undefined) }, callback),
      (error: Error) => callback(error, null),
    );
  };
}
