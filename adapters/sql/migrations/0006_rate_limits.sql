-- Fixed-window counters for rate limits and lockouts, shared by every API and worker process.

CREATE TABLE rate_limit_windows (
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  count        integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_limit_windows_end_idx ON rate_limit_windows (window_end);
