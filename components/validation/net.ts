// IP addresses and CIDRs parsed as Go's net/netip parses them (the service and Kubernetes are Go), so a value
// accepted here is accepted there: dotted-decimal IPv4 without leading zeros, IPv6 with `::` and an optional
// embedded IPv4 tail, a zone only where allowed.

function isIPv4(text: string): boolean {
    const parts = text.split(".");
    return parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255);
}

function isIPv6(text: string): boolean {
    const halves = text.split("::");
    if (halves.length > 2) {
        return false;
    }
    const groups = (half: string) => (half === "" ? [] : half.split(":"));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const all = [...head, ...tail];
    let count = all.length;
    if (all.length > 0 && all[all.length - 1].includes(".")) {
        if (!isIPv4(all.pop()!)) {
            return false;
        }
        count += 1; // an IPv4 tail fills two groups
    }
    if (!all.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) {
        return false;
    }
    return halves.length === 2 ? count <= 7 : count === 8;
}

/** netip.ParseAddr: an IPv4 or IPv6 address; IPv6 may carry a zone (`fe80::1%eth0`) when `zone` is allowed. */
export function isIpAddress(text: string, options: { zone?: boolean } = {}): boolean {
    const [address, zone, extra] = text.split("%");
    if (zone !== undefined && (!options.zone || zone === "" || extra !== undefined || !address.includes(":"))) {
        return false;
    }
    return isIPv4(address) || isIPv6(address);
}

/** netip.ParsePrefix: an address without zone, `/`, and a prefix length without leading zeros. */
export function isCidr(text: string): boolean {
    const slash = text.lastIndexOf("/");
    if (slash < 0) {
        return false;
    }
    const address = text.slice(0, slash);
    const bits = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]*)$/.test(bits) || !isIpAddress(address)) {
        return false;
    }
    return Number(bits) <= (isIPv4(address) ? 32 : 128);
}

/** The unspecified addresses: a server bound to one listens on every interface. */
export function isUnspecifiedAddress(text: string): boolean {
    return text === "0.0.0.0" || (isIPv6(text) && text.split(":").every((group) => /^0*$/.test(group)));
}
