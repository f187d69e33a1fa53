import { createClient } from '@supabase/supabase-js';

export const supabase = createClient("https://mnbvcxzlkjhgfdsapoiu.supabase.co", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6Im1uYnZjeHpsa2poZ2Zkc2Fwb2l1Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.us9MrRaZQdMHu0hwrr9GndF42IYAevKSHE7AQgduA-o");
