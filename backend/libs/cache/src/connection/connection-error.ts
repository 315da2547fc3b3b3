/** Node's error codes for a certificate that no trusted CA signed. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * Turns a connection error into a message an operator can act on, without secrets (ioredis
 * and Node never put the password in these messages).
 */
export function describeConnectionError(error: Error & { code?: string }): string {
  const code = error.code ?? '';
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return `TLS refused: the server's certificate is not signed by a trusted CA (${error.message}); check REDIS_TLS_CA_FILE`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS refused: the server's certificate does not match the host name (${error.message})`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `TLS refused: the server's certificate has expired`;
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return `connection reset by the server (${error.message}); a TLS port reached without TLS, or a proxy closing it`;
  }
  if (/wrong version number|packet length too long|ssl3_get_record/i.test(error.message)) {
    return `TLS handshake failed (${error.message}); is the port a plaintext port?`;
  }
  if (code === 'ECONNREFUSED') return `connection refused (${error.message})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${error.message})`;
  return error.message;
}
