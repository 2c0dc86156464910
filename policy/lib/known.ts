// Values the engine cannot know during a preview (e.g. the digest of an image not built yet).
import { UnknownValueError } from "@pulumi/policy";

/**
 * Reads a value, or returns `undefined` when it is not known yet. The policy SDK throws on reading an unknown
 * value and then reports the whole check as "can't run during preview"; for a value that is routinely unknown in
 * a preview (a new image digest) that would hide every other finding of the same resource. The same check runs
 * again with the real value during `pulumi up`, before the resource is created.
 */
export function knownOrUndefined<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return undefined;
        }
        throw error;
    }
}
