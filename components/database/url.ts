// The DATABASE_URL the Go service reads: postgres://user:password@host:port/db?sslmode=…, every part percent-encoded
// so a password with URL syntax in it (@, /, :, %, …) stays one password.
export type SslMode = "disable" | "require";

export interface ConnectionParts {
    username: string;
    password: string;
    host: string;
    port: number;
    databaseName: string;
    sslmode: SslMode;
}

export function connectionUrl(parts: ConnectionParts): string {
    const user = encodeURIComponent(parts.username);
    const password = encodeURIComponent(parts.password);
    return `postgres://${user}:${password}@${parts.host}:${parts.port}/${encodeURIComponent(parts.databaseName)}?sslmode=${parts.sslmode}`;
}
