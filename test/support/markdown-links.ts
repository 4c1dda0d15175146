// The links of the project's Markdown pages, as GitHub renders them: inline links outside code, and the
// anchors GitHub gives each heading (github-slugger, the slugger GitHub's own renderer is ported from).
import GithubSlugger from "github-slugger";
import * as path from "path";

export interface MarkdownLink {
    readonly file: string;
    readonly line: number;
    readonly target: string;
}

/** The text with fenced code blocks and code spans blanked, line breaks kept, so positions still match. */
function prose(markdown: string): string {
    return markdown
        .replace(/^( *)(```|~~~)[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, (block) => block.replace(/[^\n]/g, " "))
        .replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
}

/** Every inline link `[text](target)` outside code. */
export function markdownLinks(file: string, markdown: string): MarkdownLink[] {
    const text = prose(markdown);
    return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({
        file,
        line: text.slice(0, m.index).split("\n").length,
        target: m[1],
    }));
}

/** The anchors of a page's headings, as GitHub makes them (a repeated heading gets -1, -2, …). */
export function headingAnchors(markdown: string): Set<string> {
    const slugger = new GithubSlugger();
    const anchors = new Set<string>();
    const text = markdown.replace(/^( *)(```|~~~)[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, "");
    for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
        // The heading's text as rendered: a link's text, without the link.
        anchors.add(slugger.slug(m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")));
    }
    return anchors;
}

/**
 * Problems of the relative links of `pages` (path relative to `root` -> Markdown): a target file that does
 * not exist, or an anchor that no heading of the target page has. Web links are not followed.
 */
export function linkProblems(pages: Readonly<Record<string, string>>, exists: (p: string) => boolean): string[] {
    const problems: string[] = [];
    for (const [file, markdown] of Object.entries(pages)) {
        for (const link of markdownLinks(file, markdown)) {
            if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) {
                continue;
            }
            const [target, anchor] = link.target.split("#", 2);
            const resolved = target === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(target)));
            const where = `${file}:${link.line}: ${link.target}`;
            if (!exists(resolved)) {
                problems.push(`${where}: no file ${resolved}`);
            } else if (anchor !== undefined) {
                const page = pages[resolved];
                if (page === undefined) {
                    problems.push(`${where}: an anchor into ${resolved}, which is not a page the check reads`);
                } else if (!headingAnchors(page).has(anchor)) {
                    problems.push(`${where}: ${resolved} has no heading #${anchor}`);
                }
            }
        }
    }
    return problems;
}
