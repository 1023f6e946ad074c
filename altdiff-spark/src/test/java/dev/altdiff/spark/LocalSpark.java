package dev.altdiff.spark;

import org.apache.spark.sql.SparkSession;

/** The tests' Spark: two task threads, and a failed task tried once more ({@code local[2,2]}). */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession session() {
        return SparkSession.builder().master("local[2,2]").appName("altdiff-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }
}
