import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as PEM files. */
export interface CertificatePair {
  certFile: string;
  keyFile: string;
}

/** The certificates a TLS test needs, made with `openssl` in a temporary folder. */
export interface TestCertificates {
  dir: string;
  /** The CA the client trusts. */
  caFile: string;
  /** Signed by the CA, for `localhost` and `127.0.0.1`. */
  server: CertificatePair;
  /** Signed by the CA, but for another name (`other.example`). */
  wrongName: CertificatePair;
  /** Self-signed, for `localhost` and `127.0.0.1`: not from the CA. */
  selfSigned: CertificatePair;
}

async function openssl(...args: string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 });
}

async function signedBy(
  dir: string,
  name: string,
  altNames: string,
  ca: CertificatePair | null,
): Promise<CertificatePair> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  await writeFile(extFile, `subjectAltName=${altNames}\n`);
  if (ca === null) {
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=${altNames}`,
    );
    return { certFile, keyFile };
  }
  const csrFile = join(dir, `${name}.csr`);
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csrFile,
    '-subj',
    `/CN=${name}`,
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    extFile,
  );
  return { certFile, keyFile };
}

/** Makes a CA, a server certificate from it, one for the wrong name, and a self-signed one. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-tls-'));
  const ca = { certFile: join(dir, 'ca.crt'), keyFile: join(dir, 'ca.key') };
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    ca.keyFile,
    '-out',
    ca.certFile,
    '-days',
    '2',
    '-subj',
    '/CN=Test Redis CA',
  );
  const local = 'DNS:localhost,IP:127.0.0.1';
  return {
    dir,
    caFile: ca.certFile,
    server: await signedBy(dir, 'server', local, ca),
    wrongName: await signedBy(dir, 'other', 'DNS:other.example', ca),
    selfSigned: await signedBy(dir, 'selfsigned', local, null),
  };
}
