// IPv4 CIDR parsing shared by the VPC and Atlas rules (pure).

/** `a.b.c.d/n` with octets 0-255 and the address aligned to its prefix; returns the prefix length or a problem. */
export function parseIpv4Cidr(cidr: string): { prefix: number; octets: number[] } | string {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) {
        return `must be an IPv4 CIDR block such as 10.0.0.0/16 (got "${cidr}")`;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    // Refused rather than normalised: inet_aton and some AWS tools read 010 as octal (8), others as 10.
    if (m.slice(1, 6).some((part) => part.length > 1 && part.startsWith("0"))) {
        return `has a number with a leading zero, which some tools read as octal: write ${octets.join(".")}/${prefix} (got "${cidr}")`;
    }
    if (octets.some((o) => o > 255) || prefix > 32) {
        return `is not a valid IPv4 CIDR block (got "${cidr}")`;
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const hostBits = 2 ** (32 - prefix);
    if (address % hostBits !== 0) {
        return `has host bits set; the network address of a /${prefix} must be a multiple of ${hostBits} (got "${cidr}")`;
    }
    return { prefix, octets };
}
