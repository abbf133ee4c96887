from gan_course.ui.lesson_page import render

render("03_slanted_island")
