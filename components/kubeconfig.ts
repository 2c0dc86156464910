/** A kubeconfig given inline rather than as a path. */
export function isKubeconfigContent(kubeconfig: string): boolean {
    return /(^|\n)\s*(apiVersion|clusters|contexts)\s*:/.test(kubeconfig);
}

export function expandHome(file: string): string {
    return file.replace(/^~(?=\/)/, process.env.HOME ?? "~");
}
