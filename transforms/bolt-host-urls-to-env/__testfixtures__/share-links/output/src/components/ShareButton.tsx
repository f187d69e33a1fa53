import { Share2 } from 'lucide-react';
import { SITE_URL } from '../lib/site-url';

const SHARE_BASE = `${SITE_URL}/shared`;

export function ShareButton({ id, title }: { id: string; title: string }) {
  const link = `${SITE_URL}/n/${id}?ref=share`;
  return (
    <div>
      <a href={SITE_URL} className="logo">Notes Studio</a>
      <a href={`${SHARE_BASE}/${id}`} aria-label={`Share ${title}`}>
        <Share2 className="h-4 w-4" />
      </a>
      <button onClick={() => navigator.clipboard.writeText(link)}>Copy link</button>
    </div>
  );
}
