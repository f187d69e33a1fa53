import { useEffect, useState } from 'react';
import {
  supabase,
  supabaseAdmin as admin,
} from '../lib/supabase';

export function AdminPanel() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    admin.from('notes').select('id', { count: 'exact', head: true }).then(({ count }) => setCount(count ?? 0));
  }, []);
  return <p>{count} notes ({supabase ? 'signed in' : 'anonymous'})</p>;
}
