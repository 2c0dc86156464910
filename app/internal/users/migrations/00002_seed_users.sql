-- +goose Up
-- users.Seed, so GET /api/v1/users/1 answers on a new deployment as it does
-- with the memory store; the fresh identity gives them ids 1 and 2.
INSERT INTO users (name, email) VALUES
    ('Ada Lovelace', 'ada@example.com'),
    ('Grace Hopper', 'grace@example.com');

-- +goose Down
DELETE FROM users WHERE id IN (1, 2);
