create table tasks (id uuid primary key);
