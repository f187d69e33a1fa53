import { Share2 } from 'lucide-react';

const SHARE_BASE = 'https://notes-studio-k3x9.bolt.host/shared';

export function ShareButton({ id, title }: { id: string; title: string }) {
  const link = `https://notes-studio-k3x9.bolt.host/n/${id}?ref=share`;
  return (
    <div>
      <a href="https://notes-studio-k3x9.bolt.host" className="logo">Notes Studio</a>
      <a href={`${SHARE_BASE}/${id}`} aria-label={`Share ${title}`}>
        <Share2 className="h-4 w-4" />
      </a>
      <button onClick={() => navigator.clipboard.writeText(link)}>Copy link</button>
    </div>
  );
}
