/** Local defaults, applied before configuration is first read. Explicit environment variables win. */
export interface LocalPorts {
  port: number;
  dynamoDbPort: number;
}

export function localPorts(env = process.env): LocalPorts {
  const parse = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number (0-65535), not "${env[name]}"`);
    return value;
  };
  return { port: parse('PORT', 3000), dynamoDbPort: parse('DYNAMODB_PORT', 8000) };
}

export function applyLocalDefaults(apiPort: number, dynamoDbEndpoint: string, env = process.env): void {
  env.DYNAMODB_ENDPOINT ??= dynamoDbEndpoint;
  env.TABLE_NAME ??= 'twofactor';
  env.TOKEN_ISSUER ??= `http://127.0.0.1:${apiPort}`;
  env.WEBAUTHN_RP_ID ??= 'localhost';
  env.WEBAUTHN_ORIGINS ??= `http://localhost:${apiPort}`;
  env.DATA_KEY_SOURCE ??= 'file';
  env.DATA_KEY_FILE ??= '.data/data-key';
}
