package dev.ccd.host;

/**
 * The directory-relative system calls ({@code openat(2)} and friends) that jnr-posix does not
 * offer, bound from the C library with jnr-ffi by {@link HostTree}. Public only because jnr-ffi
 * implements it; every method is a C function (jnr-ffi would try to bind any other method too).
 */
public interface AtCalls {

  int openat(int dirfd, String path, int flags, int mode);

  int mkdirat(int dirfd, String path, int mode);

  int unlinkat(int dirfd, String path, int flags);

  int renameat(int olddirfd, String oldpath, int newdirfd, String newpath);

  long readlinkat(int dirfd, String path, byte[] buffer, long size);
}
