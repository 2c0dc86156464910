// Reads a Pulumi.<stack>.yaml the way the engine hands it to the program (scripts/lib/stack-file.ts), with
// `secure:` values replaced by test plaintexts marked secret.
import { StackConfig, engineConfig, stackFileValues } from "../../scripts/lib/stack-file";

export { PROJECT, PROJECT_DIR, StackConfig } from "../../scripts/lib/stack-file";

/** A secret value for a test's config: stored as `secure:` in a stack file, seen by the program as `plaintext`. */
export function secretValue(plaintext: unknown): { secure: string; plaintext: string } {
    return { secure: "v1:test", plaintext: typeof plaintext === "string" ? plaintext : JSON.stringify(plaintext) };
}

/** The plaintext a test sees for an encrypted value of a stack file. */
export function testSecret(fullKey: string): string {
    return `test-secret-for-${fullKey.replace(/[^a-zA-Z0-9]/g, "-")}`;
}

/**
 * The database password a test stack sees when its file has goship:database: each environment sets its own with
 * --secret (the local stack's is encrypted with the local passphrase, which tests do not decrypt). It meets every
 * provider's rules.
 */
export const TEST_DATABASE_PASSWORD = "Test-Database-Pw-0001";

/**
 * The Kafka SASL password a test stack sees when its file has goship:kafka with a mechanism but no goship:kafkaPassword
 * of its own (the local stack's is set on its machine with --secret).
 */
export const TEST_KAFKA_PASSWORD = "Test-Kafka-Pw-0001";

export function readStackConfig(stack: string, overrides: Record<string, unknown> = {}, secretOverrides: string[] = []): StackConfig {
    const file = stackFileValues(stack);
    const password = "goship:database" in file
        ? { "goship:databasePassword": secretValue(TEST_DATABASE_PASSWORD) }
        : {};
    const kafka = file["goship:kafka"] as { mechanism?: string } | undefined;
    const kafkaPassword = kafka?.mechanism !== undefined && !("goship:kafkaPassword" in file)
        ? { "goship:kafkaPassword": secretValue(TEST_KAFKA_PASSWORD) }
        : {};
    return toEngineConfig({ ...file, ...password, ...kafkaPassword, ...overrides }, secretOverrides);
}

/** Engine view of a plain key→value map (keys without a namespace get the project's). */
export function toEngineConfig(values: Record<string, unknown>, secretKeys: string[] = []): StackConfig {
    return engineConfig(values, (fullKey, value) => value.plaintext ?? testSecret(fullKey), secretKeys);
}
