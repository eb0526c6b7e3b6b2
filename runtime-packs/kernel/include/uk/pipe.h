/* pipe.h - pipes: a 64 KiB ring between a read end and a write end, each an open file. */
#ifndef UK_PIPE_H
#define UK_PIPE_H
#include <uk/file.h>

/* Makes a pipe (flags: UK_O_NONBLOCK on both ends); 0 or -ENOMEM. */
long uk_pipe_create(int flags, struct uk_file **read_end, struct uk_file **write_end);

#endif
