package dev.jwtagent.config;

/**
 * How a refusal line names a file setting's value. A secret (or a key) put where a file's path
 * belongs, as when a secret is bound to {@code JWT_AGENT_SECRET_FILE} by mistake, must not be
 * printed: the value is quoted only when it looks like a path to a file that is missing from a
 * directory that exists (other than the root), which is what a mistyped path is, and a secret
 * almost never, or when it is itself a directory that exists (named as one: the usual mistake of
 * giving the folder a file is mounted in).
 */
final class FileNames {
    private FileNames() {
    }

    /** {@code 'the path'} when it looks like one, otherwise words that name no value. */
    static String shown(String value) {
        if (isDirectory(value)) {
            return "'" + value + "' (a directory, not a file)";
        }
        return looksLikeAPath(value) ? "'" + value + "'"
                : "the file it names (the value is not shown: it is not a path in a directory that exists, and it may be a secret)";
    }

    private static boolean isDirectory(String value) {
        try {
            return !value.isEmpty() && new java.io.File(value).isDirectory();
        } catch (SecurityException e) {
            return false;
        }
    }

    private static boolean onlySeparators(String path) {
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) != '/' && path.charAt(i) != java.io.File.separatorChar) {
                return false;
            }
        }
        return true;
    }

    static boolean looksLikeAPath(String value) {
        int slash = Math.max(value.lastIndexOf('/'), value.lastIndexOf(java.io.File.separatorChar));
        if (slash <= 0 || onlySeparators(value.substring(0, slash))) {
            // No directory, or the root alone ('/', '//'): a base64 secret may well start with '/' or '//'.
            return false;
        }
        try {
            return new java.io.File(value.substring(0, slash)).isDirectory();
        } catch (SecurityException e) {
            return false;
        }
    }
}
