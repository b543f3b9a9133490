import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  h1: ({ children }) => <h3 className="mb-2 mt-4 text-lg font-semibold first:mt-0">{children}</h3>,
  h2: ({ children }) => <h4 className="mb-2 mt-4 text-base font-semibold first:mt-0">{children}</h4>,
  h3: ({ children }) => <h5 className="mb-1 mt-3 font-semibold first:mt-0">{children}</h5>,
  p: ({ children }) => <p className="mb-3 leading-relaxed last:mb-0">{children}</p>,
  ul: ({ children }) => <ul className="mb-3 list-disc space-y-1 pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="mb-3 list-decimal space-y-1 pl-5">{children}</ol>,
  a: ({ href, children }) => (
    <a href={href} className="text-indigo-700 underline" rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  ),
  code: ({ children }) => <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em]">{children}</code>,
  pre: ({ children }) => <pre className="mb-3 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs">{children}</pre>,
  blockquote: ({ children }) => (
    <blockquote className="mb-3 border-l-4 border-slate-200 pl-3 text-slate-600">{children}</blockquote>
  ),
  img: ({ alt }) => <span className="text-slate-500">[image: {alt}]</span>,
};

/**
 * A model's Markdown description. Raw HTML is dropped (skipHtml) and react-markdown's default URL
 * filter removes javascript: links, so a description cannot run script in a reader's browser.
 * Images are not loaded, so a description cannot make readers' browsers call other hosts.
 */
export function MarkdownDescription({ text }: { text: string }) {
  if (!text.trim()) return <p className="text-sm text-slate-500">No description yet.</p>;
  return (
    <div className="text-sm text-slate-800" data-testid="model-description">
      <ReactMarkdown skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
