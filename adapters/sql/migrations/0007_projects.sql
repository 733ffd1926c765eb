-- Projects and tasks. Everything of a project hangs off it with ON DELETE CASCADE, so deleting a
-- project removes its members, tasks, assignments, dependencies, comments and activity in the
-- database itself, in one statement.

CREATE TABLE projects (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  status      text NOT NULL CHECK (status IN ('active', 'archived')),
  created_by  uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  archived_at timestamptz
);

CREATE TABLE project_members (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, user_id)
);

CREATE INDEX project_members_user_idx ON project_members (user_id, project_id);

CREATE TABLE tasks (
  id            uuid PRIMARY KEY,
  project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  title         text NOT NULL,
  description   text NOT NULL DEFAULT '',
  status        text NOT NULL CHECK (status IN ('todo', 'in_progress', 'in_review', 'done', 'cancelled')),
  priority      text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  priority_rank smallint NOT NULL,
  labels        text[] NOT NULL DEFAULT '{}',
  due_date      date,
  position      double precision NOT NULL,
  completed_at  timestamptz,
  created_by    uuid NOT NULL REFERENCES users (id),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  version       integer NOT NULL
);

CREATE INDEX tasks_project_created_idx ON tasks (project_id, created_at DESC, id DESC);
CREATE INDEX tasks_project_status_position_idx ON tasks (project_id, status, position, id);
CREATE INDEX tasks_project_due_idx ON tasks (project_id, due_date, id);
CREATE INDEX tasks_labels_idx ON tasks USING gin (labels);

-- An assignee must be a member: leaving the project removes their assignments with them.
CREATE TABLE task_assignees (
  task_id    uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  user_id    uuid NOT NULL,
  PRIMARY KEY (task_id, user_id),
  FOREIGN KEY (project_id, user_id) REFERENCES project_members (project_id, user_id) ON DELETE CASCADE
);

CREATE INDEX task_assignees_user_idx ON task_assignees (project_id, user_id, task_id);

CREATE TABLE task_dependencies (
  task_id            uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  blocked_by_task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  PRIMARY KEY (task_id, blocked_by_task_id),
  CHECK (task_id <> blocked_by_task_id)
);

CREATE TABLE task_comments (
  id         uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  task_id    uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  author_id  uuid NOT NULL REFERENCES users (id),
  body       text NOT NULL,
  created_at timestamptz NOT NULL,
  edited_at  timestamptz
);

CREATE INDEX task_comments_task_idx ON task_comments (task_id, created_at, id);

CREATE TABLE project_activity (
  id          uuid PRIMARY KEY,
  project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  actor_id    uuid NOT NULL REFERENCES users (id),
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  changes     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL
);

CREATE INDEX project_activity_project_idx ON project_activity (project_id, created_at DESC, id DESC);
