package dev.altdiff.spark.cli;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Files the commands read and write beside the DataFrames (the shared matrices, the summary), through
 * Hadoop's file systems, so that a path is local ({@code /tmp/x}, {@code file:///tmp/x}) on one machine
 * and {@code hdfs://…} or {@code s3a://…} on a cluster, as for Spark's own reads and writes.
 */
final class Storage {
    private Storage() {
    }

    /** @return {@code dir/name} (a URI stays a URI) */
    static String child(String dir, String name) {
        return new Path(dir, name).toString();
    }

    static boolean exists(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    }

    static byte[] read(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            return in.readAllBytes();
        }
    }

    static void write(SparkSession spark, String path, byte[] bytes) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (OutputStream out = fs.create(p, true)) {
            out.write(bytes);
        }
    }
}
