package dev.nanobanana.camel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool keeps what is paid for, and lets go of what a process ended in the middle of. */
class ImageSpoolTest {

    @TempDir
    Path dir;

    @Test
    void aPartialDownloadNothingWroteToForTheIdleTimeIsRemovedAndNothingElseIs() throws Exception {
        ImageSpool spool = new ImageSpool(dir);
        Path abandoned = writtenAgo(".incoming-left-by-a-kill", Duration.ofMinutes(10));
        Path arriving = writtenAgo(".incoming-still-arriving", Duration.ofSeconds(30));
        Path kept = writtenAgo("sync-123.png", Duration.ofDays(3));
        Path other = writtenAgo(".writing-something-else", Duration.ofDays(3));

        assertThat(spool.removeAbandoned(Duration.ofMinutes(5))).isEqualTo(1);

        assertThat(abandoned).doesNotExist();
        assertThat(arriving).as("a download going on").exists();
        assertThat(kept).as("a paid image waiting for its sink").exists();
        assertThat(other).exists();
    }

    @Test
    void aSpoolNotMadeYetHasNothingToRemove() {
        assertThat(new ImageSpool(dir.resolve("not-yet")).removeAbandoned(Duration.ofMinutes(5))).isZero();
    }

    private Path writtenAgo(String name, Duration ago) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "part of an image");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(ago)));
        return file;
    }
}
